print("conformance tool")
