


resource "a" "b" {


  x = 1



  y = 2

}




resource "c" "d" {}


