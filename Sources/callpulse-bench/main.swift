print("callpulse-bench: not yet")
