// Client of the Amazon ML JSON API (spec §2, §3) and openaml's extension operations, on the console's origin.
import { apiOrigin, currentCredentials, signer, type Credentials } from './session';

/** An error answered by the API: `type` is the AWS exception name (spec §2.5). */
export class ApiError extends Error {
  constructor(readonly type: string, message: string, readonly status: number) {
    super(message);
    this.name = type;
  }
}

const kTargetPrefix = 'AmazonML_20141212';
/** openaml's extension operations (statistics, evaluation details) use their own target prefix. */
export const kExtensionPrefix = 'OpenAML_20241201';

/** Call one operation: POST / with X-Amz-Target, a JSON body, signed with SigV4. */
export async function call<T = Record<string, unknown>>(
  operation: string, body: object = {}, options: { prefix?: string; credentials?: Credentials } = {},
): Promise<T> {
  const client = signer('machinelearning', options.credentials ?? currentCredentials());
  if (!client) throw new ApiError('NotSignedIn', 'Sign in first.', 0);
  let response: Response;
  try {
    response = await client.fetch(`${apiOrigin()}/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `${options.prefix ?? kTargetPrefix}.${operation}`,
      },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('NetworkError', `Could not reach the server: ${(e as Error).message}`, 0);
  }
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError('InvalidResponse', `Unexpected answer (HTTP ${response.status}): ${text.slice(0, 200)}`,
                         response.status);
    }
  }
  if (!response.ok) {
    const rawType = String(parsed.__type ?? parsed.code ?? `HTTP${response.status}`);
    const type = rawType.includes('#') ? rawType.slice(rawType.lastIndexOf('#') + 1) : rawType;
    throw new ApiError(type, String(parsed.message ?? parsed.Message ?? response.statusText), response.status);
  }
  return parsed as T;
}

export type EntityStatus = 'PENDING' | 'INPROGRESS' | 'FAILED' | 'COMPLETED' | 'DELETED';
export type MLModelType = 'BINARY' | 'MULTICLASS' | 'REGRESSION';

interface Common {
  Name?: string;
  Status?: EntityStatus;
  Message?: string;
  CreatedAt?: number;
  LastUpdatedAt?: number;
  StartedAt?: number;
  FinishedAt?: number;
  ComputeTime?: number;
  CreatedByIamUser?: string;
  LogUri?: string;
}

export interface DataSource extends Common {
  DataSourceId: string;
  DataLocationS3?: string;
  DataRearrangement?: string;
  DataSizeInBytes?: number;
  NumberOfFiles?: number;
  ComputeStatistics?: boolean;
  DataSourceSchema?: string;
}

export interface EndpointInfo {
  EndpointStatus?: 'NONE' | 'READY' | 'UPDATING' | 'FAILED';
  EndpointUrl?: string;
  PeakRequestsPerSecond?: number;
  CreatedAt?: number;
}

export interface MLModel extends Common {
  MLModelId: string;
  TrainingDataSourceId?: string;
  MLModelType?: MLModelType;
  SizeInBytes?: number;
  EndpointInfo?: EndpointInfo;
  TrainingParameters?: Record<string, string>;
  InputDataLocationS3?: string;
  ScoreThreshold?: number;
  ScoreThresholdLastUpdatedAt?: number;
  Recipe?: string;
  Schema?: string;
}

export interface Evaluation extends Common {
  EvaluationId: string;
  MLModelId?: string;
  EvaluationDataSourceId?: string;
  InputDataLocationS3?: string;
  PerformanceMetrics?: { Properties?: Record<string, string> };
}

export interface BatchPrediction extends Common {
  BatchPredictionId: string;
  MLModelId?: string;
  BatchPredictionDataSourceId?: string;
  InputDataLocationS3?: string;
  OutputUri?: string;
  TotalRecordCount?: number;
  InvalidRecordCount?: number;
}

export interface Prediction {
  predictedLabel?: string;
  predictedValue?: number;
  predictedScores?: Record<string, number>;
  details?: Record<string, string>;
}

export type EntityKind = 'DataSources' | 'MLModels' | 'Evaluations' | 'BatchPredictions';

/** List every entity of a kind, following NextToken (spec §2.8); deleted ones are omitted by the server. */
export async function describeAll<T>(kind: EntityKind, filter: Record<string, unknown> = {}): Promise<T[]> {
  const results: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {  // 100 pages of 100: far beyond what a console lists
    const response = await call<{ Results?: T[]; NextToken?: string }>(
      `Describe${kind}`, { ...filter, Limit: 100, ...(token ? { NextToken: token } : {}) });
    results.push(...(response.Results ?? []));
    token = response.NextToken;
    if (!token) break;
  }
  return results;
}

export const getDataSource = (id: string, verbose = false) =>
  call<DataSource>('GetDataSource', { DataSourceId: id, Verbose: verbose });
export const getMLModel = (id: string, verbose = false) =>
  call<MLModel>('GetMLModel', { MLModelId: id, Verbose: verbose });
export const getEvaluation = (id: string) => call<Evaluation>('GetEvaluation', { EvaluationId: id });
export const getBatchPrediction = (id: string) =>
  call<BatchPrediction>('GetBatchPrediction', { BatchPredictionId: id });

export interface CreateDataSourceArgs {
  id: string;
  name: string;
  location: string;
  schema: string;
  rearrangement?: string;
  computeStatistics: boolean;
}

export const createDataSourceFromS3 = (a: CreateDataSourceArgs) =>
  call<{ DataSourceId: string }>('CreateDataSourceFromS3', {
    DataSourceId: a.id,
    DataSourceName: a.name,
    DataSpec: {
      DataLocationS3: a.location,
      DataSchema: a.schema,
      ...(a.rearrangement ? { DataRearrangement: a.rearrangement } : {}),
    },
    ComputeStatistics: a.computeStatistics,
  });

export interface CreateMLModelArgs {
  id: string;
  name: string;
  type: MLModelType;
  trainingDataSourceId: string;
  parameters?: Record<string, string>;
  recipe?: string;
}

export const createMLModel = (a: CreateMLModelArgs) =>
  call<{ MLModelId: string }>('CreateMLModel', {
    MLModelId: a.id,
    MLModelName: a.name,
    MLModelType: a.type,
    TrainingDataSourceId: a.trainingDataSourceId,
    ...(a.parameters ? { Parameters: a.parameters } : {}),
    ...(a.recipe ? { Recipe: a.recipe } : {}),
  });

export const createEvaluation = (id: string, name: string, modelId: string, dataSourceId: string) =>
  call<{ EvaluationId: string }>('CreateEvaluation', {
    EvaluationId: id, EvaluationName: name, MLModelId: modelId, EvaluationDataSourceId: dataSourceId,
  });

export const createBatchPrediction = (id: string, name: string, modelId: string, dataSourceId: string,
                                      outputUri: string) =>
  call<{ BatchPredictionId: string }>('CreateBatchPrediction', {
    BatchPredictionId: id, BatchPredictionName: name, MLModelId: modelId,
    BatchPredictionDataSourceId: dataSourceId, OutputUri: outputUri,
  });

export const updateScoreThreshold = (modelId: string, threshold: number) =>
  call<{ MLModelId: string }>('UpdateMLModel', { MLModelId: modelId, ScoreThreshold: threshold });

export const createRealtimeEndpoint = (modelId: string) =>
  call<{ MLModelId: string; RealtimeEndpointInfo: EndpointInfo }>('CreateRealtimeEndpoint', { MLModelId: modelId });
export const deleteRealtimeEndpoint = (modelId: string) =>
  call<{ MLModelId: string; RealtimeEndpointInfo: EndpointInfo }>('DeleteRealtimeEndpoint', { MLModelId: modelId });

/**
 * Predict one record (spec §12). The request always goes to the console's origin (the browser may call no
 * other); PredictEndpoint carries the model's endpoint URL as the API requires.
 */
export const predict = (modelId: string, record: Record<string, string>, endpointUrl: string) =>
  call<{ Prediction: Prediction }>('Predict', { MLModelId: modelId, Record: record, PredictEndpoint: endpointUrl });

const kDeleteMember: Record<EntityKind, [string, string]> = {
  DataSources: ['DeleteDataSource', 'DataSourceId'],
  MLModels: ['DeleteMLModel', 'MLModelId'],
  Evaluations: ['DeleteEvaluation', 'EvaluationId'],
  BatchPredictions: ['DeleteBatchPrediction', 'BatchPredictionId'],
};

/** Delete an entity (it becomes DELETED, spec §3.8). */
export const deleteEntity = (kind: EntityKind, id: string) =>
  call(kDeleteMember[kind][0], { [kDeleteMember[kind][1]]: id });

/** Whether an error says the server lacks an operation (an extension not deployed yet). */
export function isUnknownOperation(e: unknown): boolean {
  return e instanceof ApiError &&
    (e.type === 'UnknownOperationException' || e.type === 'UnknownOperation' || e.status === 404 && e.type.startsWith('HTTP'));
}
