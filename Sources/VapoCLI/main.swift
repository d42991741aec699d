print("vapo")
