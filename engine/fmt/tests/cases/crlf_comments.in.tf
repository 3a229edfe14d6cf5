# c1
resource "a" "b" {
  // c2
  x = 1 /* c3 */
  yy = [
    1,
  ]
}
