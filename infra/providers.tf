provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, {
      Project     = "ops-lambdas"
      Environment = var.environment
      ManagedBy   = "terraform"
    })
  }
}
