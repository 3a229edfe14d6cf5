# Two zones, UltraWarm; errors of the app stream only, all access logs.
instance_type      = "r6g.large.search"
instance_count     = 4
availability_zones = 2
master_type        = "m6g.large.search"
warm_count         = 2
volume_size        = 200
shipper_memory     = 512
streams = {
  app    = { filter_pattern = "?ERROR ?WARN ?error ?warn" }
  access = { daily = true }
}
