import { invalidParameter } from "./api-errors.ts";

/** A function reference as Invoke and GetFunctionConfiguration accept it. */
export interface FunctionReference {
  readonly name: string;
  /** The version or alias, from the name (`name:qualifier`, ARN suffix) or the Qualifier parameter. */
  readonly qualifier?: string | undefined;
}

const NAME = "[A-Za-z0-9_-]{1,140}";
const QUALIFIER = "[A-Za-z0-9$_-]{1,128}";
const ARN = new RegExp(
  `^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:(${NAME})(?::(${QUALIFIER}))?$`,
);
const PARTIAL_ARN = new RegExp(`^\\d{12}:function:(${NAME})(?::(${QUALIFIER}))?$`);
const PLAIN = new RegExp(`^(${NAME})(?::(${QUALIFIER}))?$`);

/**
 * Parses a FunctionName as AWS accepts it — `name`, `name:qualifier`, a partial ARN
 * (`123456789012:function:name`) or a full ARN — with the separate `Qualifier` parameter.
 * Returns undefined when the text is no function name at all.
 *
 * @example
 * parseFunctionReference("arn:aws:lambda:eu-west-1:123456789012:function:ops-local-migration", undefined);
 * // { name: "ops-local-migration", qualifier: undefined }
 */
export function parseFunctionReference(
  raw: string,
  qualifierParam: string | undefined,
): FunctionReference | undefined {
  const match = ARN.exec(raw) ?? PARTIAL_ARN.exec(raw) ?? PLAIN.exec(raw);
  if (!match?.[1]) return undefined;
  const fromName = match[2];
  if (fromName && qualifierParam && fromName !== qualifierParam) {
    throw invalidParameter(
      "Qualifier",
      qualifierParam,
      `the qualifier in the function name ('${fromName}') when both are given`,
    );
  }
  return { name: match[1], qualifier: fromName ?? qualifierParam };
}

/** Only `$LATEST` exists locally (no published versions or aliases), as for an unpublished function. */
export function isLatest(reference: FunctionReference): boolean {
  return reference.qualifier === undefined || reference.qualifier === "$LATEST";
}
