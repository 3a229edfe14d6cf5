output "primary" {
  description = "The primary region's service and database."
  value = {
    region      = var.region
    url         = module.web.url
    cluster     = aws_ecs_cluster.primary.name
    service     = module.app.service_name
    db_id       = module.db.identifier
    db_arn      = module.db.arn
    db_address  = module.db.address
    db_secret   = module.db.master_user_secret_arn
    lb_dns_name = module.web.dns_name
  }
}

output "standby" {
  description = "The standby region's service and read replica."
  value = {
    region         = var.standby_region
    url            = module.standby_web.url
    cluster        = aws_ecs_cluster.standby.name
    service        = module.standby_app.service_name
    db_id          = module.standby_db.identifier
    db_arn         = module.standby_db.arn
    db_address     = module.standby_db.address
    replica_source = module.standby_db.replicate_source_db
    lb_dns_name    = module.standby_web.dns_name
  }
}
