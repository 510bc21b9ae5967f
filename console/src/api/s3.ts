// Client of openaml's S3 API (path-style, on the console's origin), signed with SigV4 by aws4fetch.
import { ApiError } from './ml';
import { apiOrigin, signer } from './session';

export interface Bucket {
  name: string;
  created?: string;
}

export interface ObjectEntry {
  key: string;
  size: number;
  lastModified?: string;
}

export interface Listing {
  prefixes: string[];
  objects: ObjectEntry[];
}

/** Parse an `s3://bucket/key` URL; null when it is not one. */
export function parseS3Url(url: string): { bucket: string; key: string } | null {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url.trim());
  return m ? { bucket: m[1], key: m[2] } : null;
}

/** The path-style URL of a bucket or object: each key segment percent-encoded, slashes kept. */
export function objectUrl(bucket: string, key = '', query = ''): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `${apiOrigin()}/${encodeURIComponent(bucket)}${key ? `/${path}` : ''}${query ? `?${query}` : ''}`;
}

async function hexSha256(data: ArrayBuffer | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Send a signed S3 request; the payload is hashed and signed, never sent UNSIGNED. */
async function s3Fetch(method: string, url: string, body?: ArrayBuffer | string,
                       headers: Record<string, string> = {}): Promise<Response> {
  const client = signer('s3');
  if (!client) throw new ApiError('NotSignedIn', 'Sign in first.', 0);
  const hash = await hexSha256(body ?? '');
  let response: Response;
  try {
    response = await client.fetch(url, { method, body, headers: { ...headers, 'X-Amz-Content-Sha256': hash } });
  } catch (e) {
    throw new ApiError('NetworkError', `Could not reach the server: ${(e as Error).message}`, 0);
  }
  if (!response.ok && response.status !== 206) throw await s3Error(response);
  return response;
}

async function s3Error(response: Response): Promise<ApiError> {
  const text = await response.text();
  const doc = text ? new DOMParser().parseFromString(text, 'application/xml') : null;
  const code = doc?.querySelector('Code')?.textContent ?? `HTTP${response.status}`;
  const message = doc?.querySelector('Message')?.textContent ?? response.statusText;
  return new ApiError(code, message, response.status);
}

function xml(text: string): Document {
  return new DOMParser().parseFromString(text, 'application/xml');
}

/** Names of all buckets. */
export async function listBuckets(): Promise<Bucket[]> {
  const doc = xml(await (await s3Fetch('GET', `${apiOrigin()}/`)).text());
  return Array.from(doc.getElementsByTagName('Bucket'), (b) => ({
    name: b.getElementsByTagName('Name')[0]?.textContent ?? '',
    created: b.getElementsByTagName('CreationDate')[0]?.textContent ?? undefined,
  }));
}

export async function createBucket(name: string): Promise<void> {
  await s3Fetch('PUT', objectUrl(name));
}

export async function deleteBucket(name: string): Promise<void> {
  await s3Fetch('DELETE', objectUrl(name));
}

/** List one "folder": common prefixes and objects directly under `prefix` (ListObjectsV2, all pages). */
export async function listObjects(bucket: string, prefix: string, delimiter = '/'): Promise<Listing> {
  const listing: Listing = { prefixes: [], objects: [] };
  let token: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const params = new URLSearchParams({ 'list-type': '2', prefix });
    if (delimiter) params.set('delimiter', delimiter);
    if (token) params.set('continuation-token', token);
    const doc = xml(await (await s3Fetch('GET', objectUrl(bucket, '', params.toString()))).text());
    for (const p of Array.from(doc.getElementsByTagName('CommonPrefixes'))) {
      listing.prefixes.push(p.getElementsByTagName('Prefix')[0]?.textContent ?? '');
    }
    for (const c of Array.from(doc.getElementsByTagName('Contents'))) {
      listing.objects.push({
        key: c.getElementsByTagName('Key')[0]?.textContent ?? '',
        size: Number(c.getElementsByTagName('Size')[0]?.textContent ?? 0),
        lastModified: c.getElementsByTagName('LastModified')[0]?.textContent ?? undefined,
      });
    }
    const truncated = doc.getElementsByTagName('IsTruncated')[0]?.textContent === 'true';
    token = doc.getElementsByTagName('NextContinuationToken')[0]?.textContent ?? null;
    if (!truncated || !token) break;
  }
  return listing;
}

export async function deleteObject(bucket: string, key: string): Promise<void> {
  await s3Fetch('DELETE', objectUrl(bucket, key));
}

/** Read the first `bytes` bytes of an object with a Range GET; `truncated` says there is more. */
export async function readHead(bucket: string, key: string, bytes: number): Promise<{ text: string; truncated: boolean }> {
  const response = await s3Fetch('GET', objectUrl(bucket, key), undefined, { Range: `bytes=0-${bytes - 1}` });
  const buffer = await response.arrayBuffer();
  const range = response.headers.get('Content-Range');  // bytes 0-99/1234
  const total = range ? Number(range.split('/')[1]) : buffer.byteLength;
  const truncated = response.status === 206 ? total > buffer.byteLength : false;
  return { text: new TextDecoder().decode(buffer), truncated };
}

/** Read a whole (small) object as bytes. */
export async function getObject(bucket: string, key: string): Promise<ArrayBuffer> {
  return (await s3Fetch('GET', objectUrl(bucket, key))).arrayBuffer();
}

/** A pre-signed GET URL (valid one hour) for downloading an object with a plain link. */
export async function presignedGetUrl(bucket: string, key: string): Promise<string> {
  const client = signer('s3');
  if (!client) throw new ApiError('NotSignedIn', 'Sign in first.', 0);
  const url = new URL(objectUrl(bucket, key));
  url.searchParams.set('X-Amz-Expires', '3600');
  const signed = await client.sign(url.toString(), { method: 'GET', aws: { signQuery: true } });
  return signed.url;
}

/** Progress callback: bytes sent so far out of the total. */
export type Progress = (sent: number, total: number) => void;

/** Send one signed request with XMLHttpRequest, which (unlike fetch) reports upload progress. */
async function xhrSend(method: string, url: string, body: ArrayBuffer, onProgress: (sent: number) => void,
                       extraHeaders: Record<string, string> = {}): Promise<XMLHttpRequest> {
  const client = signer('s3');
  if (!client) throw new ApiError('NotSignedIn', 'Sign in first.', 0);
  const hash = await hexSha256(body);
  const signed = await client.sign(url, { method, body, headers: { ...extraHeaders, 'X-Amz-Content-Sha256': hash } });
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    signed.headers.forEach((value, name) => {
      if (name !== 'host' && name !== 'content-length') xhr.setRequestHeader(name, value);
    });
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr);
      else {
        const doc = xhr.responseText ? xml(xhr.responseText) : null;
        reject(new ApiError(doc?.querySelector('Code')?.textContent ?? `HTTP${xhr.status}`,
                            doc?.querySelector('Message')?.textContent ?? xhr.statusText, xhr.status));
      }
    };
    xhr.onerror = () => reject(new ApiError('NetworkError', 'Upload failed: network error', 0));
    xhr.send(body);
  });
}

/** Objects at least this large are sent with a multipart upload. */
export const kMultipartThreshold = 8 * 1024 * 1024;
/** Size of each part of a multipart upload (S3's minimum is 5 MiB except for the last part). */
export const kPartSize = 8 * 1024 * 1024;

/**
 * Upload a file, reporting progress: one PUT below kMultipartThreshold, otherwise a multipart upload
 * (CreateMultipartUpload, UploadPart per kPartSize slice, CompleteMultipartUpload; aborted on failure).
 */
export async function uploadFile(bucket: string, key: string, file: Blob, onProgress: Progress,
                                 partSize = kPartSize, threshold = kMultipartThreshold): Promise<void> {
  const total = file.size;
  const contentType = file.type || 'application/octet-stream';
  if (total < threshold) {
    await xhrSend('PUT', objectUrl(bucket, key), await file.arrayBuffer(), (sent) => onProgress(sent, total),
                  { 'Content-Type': contentType });
    onProgress(total, total);
    return;
  }
  const created = xml(await (await s3Fetch('POST', objectUrl(bucket, key, 'uploads'), '',
                                            { 'Content-Type': contentType })).text());
  const uploadId = created.getElementsByTagName('UploadId')[0]?.textContent;
  if (!uploadId) throw new ApiError('InvalidResponse', 'CreateMultipartUpload returned no UploadId', 0);
  const etags: string[] = [];
  let done = 0;
  try {
    for (let offset = 0, part = 1; offset < total; offset += partSize, part++) {
      const chunk = await file.slice(offset, Math.min(total, offset + partSize)).arrayBuffer();
      const query = `partNumber=${part}&uploadId=${encodeURIComponent(uploadId)}`;
      const xhr = await xhrSend('PUT', objectUrl(bucket, key, query), chunk, (sent) => onProgress(done + sent, total));
      etags.push(xhr.getResponseHeader('ETag') ?? '');
      done += chunk.byteLength;
      onProgress(done, total);
    }
    const body = '<CompleteMultipartUpload>' + etags.map((etag, i) =>
      `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</ETag></Part>`,
    ).join('') + '</CompleteMultipartUpload>';
    const response = await s3Fetch('POST', objectUrl(bucket, key, `uploadId=${encodeURIComponent(uploadId)}`), body,
                                   { 'Content-Type': 'application/xml' });
    const text = await response.text();
    // CompleteMultipartUpload may answer 200 with an <Error> body.
    if (text.includes('<Error>')) {
      const doc = xml(text);
      throw new ApiError(doc.querySelector('Code')?.textContent ?? 'InternalError',
                         doc.querySelector('Message')?.textContent ?? 'multipart upload failed', 200);
    }
  } catch (e) {
    await s3Fetch('DELETE', objectUrl(bucket, key, `uploadId=${encodeURIComponent(uploadId)}`)).catch(() => undefined);
    throw e;
  }
}
