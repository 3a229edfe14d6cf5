# The release is stable now; the canary service goes.
stable_image = "registry.example.com/search/api:1.9.0"
