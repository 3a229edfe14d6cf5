# The release is stable now; the canary service goes.
stable_image = "registry.example.com/payments/api:3.2.0"
