// @vercel/ncc ships no type declarations; this covers the programmatic API the build scripts use.
declare module "@vercel/ncc" {
  interface NccOptions {
    minify?: boolean;
    quiet?: boolean;
    target?: string;
    transpileOnly?: boolean;
    sourceMap?: boolean;
    externals?: string[];
  }
  interface NccAsset {
    source: string | Buffer;
    permissions?: number;
  }
  export default function ncc(
    entry: string,
    options?: NccOptions,
  ): Promise<{ code: string; map?: string; assets: Record<string, NccAsset> }>;
}
