// Sign in with an access key and secret: checked by one signed request, then kept in sessionStorage.
import { call, isUnknownOperation, ApiError } from '../api/ml';
import { listBuckets } from '../api/s3';
import { saveCredentials, signOut, type Credentials } from '../api/session';
import { h, field, notice, replace } from '../lib/dom';
import type { PageContext } from '../main';

export function renderSignIn({ root }: PageContext): void {
  const accessKey = h('input', { name: 'accessKeyId', autocomplete: 'username', required: true, spellcheck: 'false' });
  const secret = h('input', { name: 'secretAccessKey', type: 'password', autocomplete: 'current-password', required: true });
  const region = h('input', { name: 'region', value: 'us-east-1', required: true });
  const message = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to openaml'),
    h('p', null, 'Use an access key of this server (see its data directory\'s credentials file). ' +
      'The secret stays in this tab\'s session storage and signs each request (AWS Signature Version 4).'),
    field('Access key ID', accessKey),
    field('Secret access key', secret),
    field('Region', region, 'Any region name; it only enters the signature scope.'),
    message,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const credentials: Credentials = {
      accessKeyId: accessKey.value.trim(),
      secretAccessKey: secret.value,
      region: region.value.trim() || 'us-east-1',
    };
    submit.disabled = true;
    replace(message, notice('info', 'Checking…'));
    try {
      try {
        await call('DescribeDataSources', { Limit: 1 }, { credentials });
        saveCredentials(credentials);
      } catch (e) {
        // A server with the S3 API only: the object store pages still work.
        if (!isUnknownOperation(e)) throw e;
        saveCredentials(credentials);
        try {
          await listBuckets();
        } catch (s3Error) {
          signOut();
          throw s3Error;
        }
      }
      location.hash = '#/dashboard';
    } catch (e) {
      const err = e as ApiError;
      replace(message, notice('error', `Sign-in failed: ${err.type ?? 'Error'}: ${err.message}`));
    } finally {
      submit.disabled = false;
    }
  });
  replace(root, form);
  accessKey.focus();
}
