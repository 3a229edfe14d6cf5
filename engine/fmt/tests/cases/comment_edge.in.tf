resource "a" "b" {
  x /* before eq */ = 1
  y = /* after eq */ 2
  z = 3 /* trailing block */
  w = 4 # hash
  multi = [ # open
    1,
  ] # close
}
# no newline at end
