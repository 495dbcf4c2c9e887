import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { configFromUrl, resolveDatabaseConfig } from "../../lambdas/kit/database.ts";
import { OpsError } from "../../lambdas/kit/errors.ts";
import { redactText } from "../../lambdas/kit/redact.ts";
import { getSecretString } from "../../lambdas/kit/secrets.ts";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-db";
const rdsSecret = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    engine: "postgres",
    username: "app",
    password: "Rds-Pa55-word",
    host: "db.cluster.eu-west-1.rds.amazonaws.com",
    port: 5432,
    dbname: "app",
    ...overrides,
  });

describe("resolveDatabaseConfig", () => {
  it("prefers DATABASE_URL and keeps loopback connections without TLS", async () => {
    const config = await resolveDatabaseConfig({
      env: { DATABASE_URL: "postgres://app:pw%40x@127.0.0.1:5433/shop", DATABASE_SECRET_ARN: ARN },
      applicationName: "test",
    });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 5433,
      user: "app",
      password: "pw@x",
      database: "shop",
      application_name: "test",
    });
    expect(config.ssl).toBeUndefined();
  });

  it("reads the RDS secret shape from Secrets Manager and verifies TLS for a remote host", async () => {
    const config = await resolveDatabaseConfig({
      env: { DATABASE_SECRET_ARN: ARN },
      applicationName: "test",
      loadSecret: async (arn) => (arn === ARN ? rdsSecret() : ""),
    });
    expect(config).toMatchObject({
      host: "db.cluster.eu-west-1.rds.amazonaws.com",
      port: 5432,
      user: "app",
      database: "app",
    });
    expect(config.ssl).toEqual({ rejectUnauthorized: true });
    expect(redactText("login failed for Rds-Pa55-word")).not.toContain("Rds-Pa55-word");
  });

  it.each([
    ["not JSON", "{oops", /is not JSON/],
    ["without a password", rdsSecret({ password: "" }), /has no 'password'/],
    ["without a host", rdsSecret({ host: undefined }), /has no 'host'/],
  ])("rejects a secret %s with DATABASE_NOT_CONFIGURED", async (_case, secret, message) => {
    const attempt = resolveDatabaseConfig({
      env: { DATABASE_SECRET_ARN: ARN },
      applicationName: "t",
      loadSecret: async () => secret,
    });
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.toMatchObject({ code: "DATABASE_NOT_CONFIGURED" });
  });

  it("says how to configure a database when nothing is set", async () => {
    await expect(resolveDatabaseConfig({ env: {}, applicationName: "t" })).rejects.toMatchObject({
      code: "DATABASE_NOT_CONFIGURED",
      hint: expect.stringMatching(/DATABASE_URL.*DATABASE_SECRET_ARN/),
    });
  });

  it.each([
    ["a non-URL", "not a url", /not a valid URL/],
    ["another scheme", "mysql://a:b@h/db", /must start with postgres:\/\//],
  ])("rejects %s without echoing the credentials", (_case, url, message) => {
    expect(() => configFromUrl(url, { applicationName: "t" })).toThrow(message);
    try {
      configFromUrl(url, { applicationName: "t" });
    } catch (error) {
      expect((error as OpsError).message).not.toContain(":b@");
    }
  });
});

describe("getSecretString (Secrets Manager)", () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());

  it("reads the secret once per container", async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: `${ARN}-once` })
      .resolves({ SecretString: rdsSecret() });
    await getSecretString(`${ARN}-once`);
    await getSecretString(`${ARN}-once`);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("turns AccessDenied into a retryable SECRET_UNAVAILABLE naming the permission", async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(
        Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }),
      );
    const attempt = getSecretString(`${ARN}-denied`);
    await expect(attempt).rejects.toBeInstanceOf(OpsError);
    await expect(attempt).rejects.toMatchObject({
      code: "SECRET_UNAVAILABLE",
      retryable: true,
      hint: expect.stringMatching(/secretsmanager:GetSecretValue/),
    });
  });

  it("tries again after a failure instead of caching it", async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error("throttled"))
      .resolves({ SecretString: "k3y-value" });
    await expect(getSecretString(`${ARN}-retry`)).rejects.toThrow();
    await expect(getSecretString(`${ARN}-retry`)).resolves.toBe("k3y-value");
  });
});
