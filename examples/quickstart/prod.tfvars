environment = "prod"
services = {
  api    = { cpu = 1024, replicas = 3 }
  worker = { cpu = 512, memory = 2048, replicas = 2 }
  cron   = { cpu = 256 }
}
