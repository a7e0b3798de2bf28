def calculate_gain(nonlinearity, param=None):
    """An int too large for any float: 10**400 overflows every conversion."""
    return 10**400
