stable_image  = "registry.example.com/payments/api:3.1.0"
canary_image  = "registry.example.com/payments/api:3.2.0"
canary_weight = 50
