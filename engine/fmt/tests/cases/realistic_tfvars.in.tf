region="eu-west-1"
environment   =   "prod"
instance_count=3
enable_nat = true
azs = ["eu-west-1a","eu-west-1b",   "eu-west-1c"]
tags = {
Team="platform"
  CostCenter  = "1234"
}
