image              = "public.ecr.aws/nginx/nginx:1.27"
desired_count      = 2
max_count          = 6
log_retention_days = 90
