locals {
  a = 1 # short
  bbbbbbbbb = 2 # long name
  c = "a long string value" # c

  d = 4 # after blank
  ee = 5 # ee
  # comment only line
  f = 6 # f
}
