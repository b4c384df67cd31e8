"""What the exploration notebooks call: data overview, comparisons, gender views."""
