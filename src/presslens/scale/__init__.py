"""Running the same analysis on Spark: the same records, as the same table rows, at scale.

`presslens.scale.spark` needs pyspark and pandas (the `presslens[spark]` extra); importing
this package alone does not.
"""
