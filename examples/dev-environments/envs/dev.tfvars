# Every developer's workspace uses this file; the workspace name is the owner.
project            = "storefront"
cost_center        = "engineering"
log_retention_days = 3
