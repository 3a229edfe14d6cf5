# Step 3: green is live and healthy; blue's service, task definition and
# target group go away. The next release deploys as blue again.
colors = {
  green = { image = "public.ecr.aws/nginx/nginx:1.27", weight = 100 }
}
