print("spiderd")
