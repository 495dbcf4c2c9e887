import http from "node:http";
import https from "node:https";
import { rootCertificates, type TLSSocket } from "node:tls";
import type { HttpRequestOptions, HttpResponseSample, PeerCertificate } from "../types.ts";

const MAX_BODY_BYTES = 1024 * 1024;

/** The error a request rejects with when the endpoint does not answer in time. */
export class HttpTimeoutError extends Error {
  override readonly name = "HttpTimeoutError";
  readonly code = "ETIMEDOUT";
  constructor(readonly timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
  }
}

/**
 * Sends one GET over a fresh connection (no keep-alive, so the TLS handshake and certificate are
 * this request's own) and reads the response, with a deadline on the whole exchange.
 *
 * @example
 * const res = await requestOnce(new URL("https://api.example.com/health"), { timeoutMs: 5000 });
 * res.status; res.certificate?.validTo;
 */
export function requestOnce(url: URL, options: HttpRequestOptions): Promise<HttpResponseSample> {
  return new Promise((resolve, reject) => {
    const settle = (outcome: () => void) => {
      clearTimeout(deadline);
      outcome();
    };
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(
      url,
      {
        method: "GET",
        agent: false,
        headers: { accept: "application/json, */*;q=0.5", "user-agent": "ops-health-check" },
        ...(options.trustedCa ? { ca: [...rootCertificates, ...options.trustedCa] } : {}),
      },
      (response) => {
        const certificate = peerCertificate(response.socket);
        readBody(response).then(
          (body) =>
            settle(() =>
              resolve({
                status: response.statusCode ?? 0,
                contentType: response.headers["content-type"],
                body,
                ...(certificate ? { certificate } : {}),
              }),
            ),
          (error: unknown) => settle(() => reject(error)),
        );
      },
    );
    // One deadline for connect, TLS, headers and body: a socket idle timeout would let a slow drip pass.
    const deadline = setTimeout(() => {
      reject(new HttpTimeoutError(options.timeoutMs));
      request.destroy();
    }, options.timeoutMs);
    request.on("error", (error) => settle(() => reject(error)));
    request.end();
  });
}

function readBody(response: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on("data", (chunk: Buffer) => {
      if (size >= MAX_BODY_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    response.on("end", () =>
      resolve(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString("utf8")),
    );
    response.on("error", reject);
  });
}

function peerCertificate(socket: http.IncomingMessage["socket"]): PeerCertificate | undefined {
  if (!("getPeerCertificate" in socket)) return undefined;
  const certificate = (socket as TLSSocket).getPeerCertificate();
  if (!certificate?.valid_to) return undefined;
  const commonName = certificate.subject?.CN;
  return {
    validTo: certificate.valid_to,
    subject: Array.isArray(commonName) ? commonName.join(", ") : commonName,
  };
}
