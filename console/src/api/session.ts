// The signed-in user's credentials. They live in sessionStorage only (gone when the tab closes) and every
// request the console makes is signed with them (SigV4), exactly like the AWS CLI's.
import { AwsClient } from 'aws4fetch';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

const kStorageKey = 'openaml.console.credentials';

/** The credentials of this tab's session, or null when signed out. */
export function currentCredentials(): Credentials | null {
  const raw = sessionStorage.getItem(kStorageKey);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Credentials;
    if (typeof parsed.accessKeyId === 'string' && typeof parsed.secretAccessKey === 'string') return parsed;
  } catch {
    // Corrupt entry: treat as signed out.
  }
  return null;
}

/** Remember the credentials for this tab. */
export function saveCredentials(credentials: Credentials): void {
  sessionStorage.setItem(kStorageKey, JSON.stringify(credentials));
}

/** Forget the credentials. */
export function signOut(): void {
  sessionStorage.removeItem(kStorageKey);
}

/** A SigV4 signer for one service ('s3' or 'machinelearning'), or null when signed out. */
export function signer(service: 's3' | 'machinelearning', credentials = currentCredentials()): AwsClient | null {
  if (!credentials) return null;
  return new AwsClient({
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    region: credentials.region || 'us-east-1',
    service,
    retries: 2,
  });
}

/** The origin serving the console, which also serves the S3 and Amazon ML APIs. */
export function apiOrigin(): string {
  return window.location.origin;
}
