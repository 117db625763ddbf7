"""The world model: state, actors' policies, mechanisms, and the SimPy simulation that wires them."""
