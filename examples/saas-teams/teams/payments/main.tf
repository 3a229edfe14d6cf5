# The payments team's stack: its own state, its own plan. Everything is in
# the shared team module; this root only says which images run and how
# the traffic is split (envs/<step>.tfvars).

module "team" {
  source = "../../../../modules/saas-team"

  name          = var.name
  cidr_block    = "10.101.0.0/16"
  stable_image  = var.stable_image
  canary_image  = var.canary_image
  canary_weight = var.canary_weight
}
