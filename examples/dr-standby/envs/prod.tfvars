# Production: the standby keeps two tasks warm and both databases refuse
# deletion. A cross-region replica of an encrypted database needs a KMS
# key in the standby region (its ARN here).
desired_count          = 4
standby_desired_count  = 2
db_instance_class      = "db.m6g.large"
db_deletion_protection = true
standby_kms_key_id     = "arn:aws:kms:us-west-2:111122223333:key/replace-me"
