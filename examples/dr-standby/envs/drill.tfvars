# A rehearsal (scripts/drill.sh): the full shape at its smallest, nothing
# protected from deletion, since the drill ends with a destroy.
desired_count          = 1
standby_desired_count  = 1
db_instance_class      = "db.t4g.micro"
db_deletion_protection = false
