image              = "public.ecr.aws/nginx/nginx:1.27"
desired_count      = 1
log_retention_days = 7
