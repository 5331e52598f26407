print("keytrail")
