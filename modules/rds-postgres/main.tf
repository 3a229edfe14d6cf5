# One PostgreSQL instance with its own subnet, parameter and security
# groups; or, with replicate_source_db, a read replica of one (in this
# region or, by ARN, in another). A replica takes its engine, storage,
# database and credentials from the source.

locals {
  replica = var.replicate_source_db != null
  family  = "postgres${split(".", var.engine_version)[0]}"
  parameters = merge({
    "rds.force_ssl"              = "1"
    "log_min_duration_statement" = "1000"
  }, var.parameters)
}

resource "aws_db_subnet_group" "this" {
  name        = var.name
  description = "Subnets of ${var.name}"
  subnet_ids  = var.subnet_ids
  tags        = var.tags
}

resource "aws_db_parameter_group" "this" {
  name        = var.name
  family      = local.family
  description = "Parameters of ${var.name}"

  dynamic "parameter" {
    for_each = local.parameters
    content {
      name  = parameter.key
      value = parameter.value
    }
  }

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-db"
  description = "PostgreSQL from the application"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = length(var.allowed_security_group_ids) > 0 ? [1] : []
    content {
      description     = "PostgreSQL from the application"
      from_port       = 5432
      to_port         = 5432
      protocol        = "tcp"
      security_groups = var.allowed_security_group_ids
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-db" })
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = local.replica ? null : "postgres"
  engine_version = local.replica ? null : var.engine_version
  instance_class = var.instance_class

  allocated_storage = local.replica ? null : var.allocated_storage
  storage_type      = "gp3"
  storage_encrypted = true
  kms_key_id        = var.kms_key_id

  db_name                     = local.replica ? null : var.db_name
  username                    = local.replica ? null : var.username
  password                    = local.replica ? null : var.password
  manage_master_user_password = local.replica || var.password != null ? null : true
  replicate_source_db         = var.replicate_source_db

  db_subnet_group_name   = aws_db_subnet_group.this.name
  parameter_group_name   = aws_db_parameter_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  multi_az               = var.multi_az

  backup_retention_period = var.backup_retention_period
  backup_window           = var.backup_window
  maintenance_window      = var.maintenance_window
  copy_tags_to_snapshot   = true

  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${var.name}-final"
  apply_immediately         = true

  tags = var.tags
}
