"""Pages of the commons registry. (Skeleton: filled by the owner.)"""
