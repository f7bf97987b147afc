// The SHA git (and GitHub) gives a file's content, computed locally with WebCrypto so it runs in workerd and Node:
// sha1("blob " + byteLength + "\0" + bytes). Lets a publisher tell an unchanged file from a changed one without
// uploading it.
const encoder = new TextEncoder();

export async function gitBlobSha(content: string): Promise<string> {
  const body = encoder.encode(content);
  const header = encoder.encode(`blob ${body.byteLength}\0`);
  const bytes = new Uint8Array(header.byteLength + body.byteLength);
  bytes.set(header);
  bytes.set(body, header.byteLength);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
