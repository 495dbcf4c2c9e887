terraform {
  required_version = ">= 1.10" # S3-native state locking (use_lockfile)

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.70, < 7.0"
    }
  }

  # Partial configuration: bucket, key, region and locking come from a per-environment file at
  # init time, so one configuration serves every account and environment:
  #   terraform init -backend-config=backend/staging.s3.tfbackend
  # (see backend/example.s3.tfbackend and README "Deploying to AWS").
  backend "s3" {}
}
