"""Quality measurement: retrieval recall and judge agreement on the eval sets in evals/datasets."""
