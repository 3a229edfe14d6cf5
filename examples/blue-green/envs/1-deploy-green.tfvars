# Step 1: blue serves everything; green runs the new image with no traffic.
# Re-applying this file is also the rollback from step 2.
colors = {
  blue  = { image = "public.ecr.aws/nginx/nginx:1.26", weight = 100 }
  green = { image = "public.ecr.aws/nginx/nginx:1.27", weight = 0 }
}
