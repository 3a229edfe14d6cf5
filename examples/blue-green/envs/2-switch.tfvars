# Step 2: all traffic to green. Only the listener's weights change.
colors = {
  blue  = { image = "public.ecr.aws/nginx/nginx:1.26", weight = 0 }
  green = { image = "public.ecr.aws/nginx/nginx:1.27", weight = 100 }
}
