stable_image  = "registry.example.com/search/api:1.8.4"
canary_image  = "registry.example.com/search/api:1.9.0"
canary_weight = 50
