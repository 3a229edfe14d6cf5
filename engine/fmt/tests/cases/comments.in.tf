# hash comment
// slash comment
/* block comment */
/*
 multi-line
     block comment
*/
resource "a" "b" { # trailing on header
  x = 1 # one
  yyyy = 2   // two
  zz = "three"       /* three */
    # indented comment
  # another
  w = 4 #four
  list = [
    1, # first
    22, # second
  ]
}
  #    spaced comment   
variable "v" {
  default = 1 /* inline */ + 2
}
