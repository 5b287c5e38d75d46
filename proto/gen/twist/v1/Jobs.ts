// Original file: proto/jobs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetJobLogsReply as _twist_v1_GetJobLogsReply, GetJobLogsReply__Output as _twist_v1_GetJobLogsReply__Output } from '../../twist/v1/GetJobLogsReply.js';
import type { GetJobLogsRequest as _twist_v1_GetJobLogsRequest, GetJobLogsRequest__Output as _twist_v1_GetJobLogsRequest__Output } from '../../twist/v1/GetJobLogsRequest.js';
import type { GetJobReply as _twist_v1_GetJobReply, GetJobReply__Output as _twist_v1_GetJobReply__Output } from '../../twist/v1/GetJobReply.js';
import type { GetJobRequest as _twist_v1_GetJobRequest, GetJobRequest__Output as _twist_v1_GetJobRequest__Output } from '../../twist/v1/GetJobRequest.js';
import type { StopJobReply as _twist_v1_StopJobReply, StopJobReply__Output as _twist_v1_StopJobReply__Output } from '../../twist/v1/StopJobReply.js';
import type { StopJobRequest as _twist_v1_StopJobRequest, StopJobRequest__Output as _twist_v1_StopJobRequest__Output } from '../../twist/v1/StopJobRequest.js';
import type { SubmitJobReply as _twist_v1_SubmitJobReply, SubmitJobReply__Output as _twist_v1_SubmitJobReply__Output } from '../../twist/v1/SubmitJobReply.js';
import type { SubmitJobRequest as _twist_v1_SubmitJobRequest, SubmitJobRequest__Output as _twist_v1_SubmitJobRequest__Output } from '../../twist/v1/SubmitJobRequest.js';

export interface JobsClient extends grpc.Client {
  GetJob(argument: _twist_v1_GetJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetJobReply__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _twist_v1_GetJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_GetJobReply__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _twist_v1_GetJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetJobReply__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _twist_v1_GetJobRequest, callback: grpc.requestCallback<_twist_v1_GetJobReply__Output>): grpc.ClientUnaryCall;
  getJob(argument: _twist_v1_GetJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetJobReply__Output>): grpc.ClientUnaryCall;
  getJob(argument: _twist_v1_GetJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_GetJobReply__Output>): grpc.ClientUnaryCall;
  getJob(argument: _twist_v1_GetJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetJobReply__Output>): grpc.ClientUnaryCall;
  getJob(argument: _twist_v1_GetJobRequest, callback: grpc.requestCallback<_twist_v1_GetJobReply__Output>): grpc.ClientUnaryCall;
  
  GetJobLogs(argument: _twist_v1_GetJobLogsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetJobLogsReply__Output>): grpc.ClientUnaryCall;
  GetJobLogs(argument: _twist_v1_GetJobLogsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_GetJobLogsReply__Output>): grpc.ClientUnaryCall;
  GetJobLogs(argument: _twist_v1_GetJobLogsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetJobLogsReply__Output>): grpc.ClientUnaryCall;
  GetJobLogs(argument: _twist_v1_GetJobLogsRequest, callback: grpc.requestCallback<_twist_v1_GetJobLogsReply__Output>): grpc.ClientUnaryCall;
  getJobLogs(argument: _twist_v1_GetJobLogsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetJobLogsReply__Output>): grpc.ClientUnaryCall;
  getJobLogs(argument: _twist_v1_GetJobLogsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_GetJobLogsReply__Output>): grpc.ClientUnaryCall;
  getJobLogs(argument: _twist_v1_GetJobLogsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetJobLogsReply__Output>): grpc.ClientUnaryCall;
  getJobLogs(argument: _twist_v1_GetJobLogsRequest, callback: grpc.requestCallback<_twist_v1_GetJobLogsReply__Output>): grpc.ClientUnaryCall;
  
  StopJob(argument: _twist_v1_StopJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StopJobReply__Output>): grpc.ClientUnaryCall;
  StopJob(argument: _twist_v1_StopJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_StopJobReply__Output>): grpc.ClientUnaryCall;
  StopJob(argument: _twist_v1_StopJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StopJobReply__Output>): grpc.ClientUnaryCall;
  StopJob(argument: _twist_v1_StopJobRequest, callback: grpc.requestCallback<_twist_v1_StopJobReply__Output>): grpc.ClientUnaryCall;
  stopJob(argument: _twist_v1_StopJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StopJobReply__Output>): grpc.ClientUnaryCall;
  stopJob(argument: _twist_v1_StopJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_StopJobReply__Output>): grpc.ClientUnaryCall;
  stopJob(argument: _twist_v1_StopJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StopJobReply__Output>): grpc.ClientUnaryCall;
  stopJob(argument: _twist_v1_StopJobRequest, callback: grpc.requestCallback<_twist_v1_StopJobReply__Output>): grpc.ClientUnaryCall;
  
  SubmitJob(argument: _twist_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_SubmitJobReply__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _twist_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_SubmitJobReply__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _twist_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_SubmitJobReply__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _twist_v1_SubmitJobRequest, callback: grpc.requestCallback<_twist_v1_SubmitJobReply__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _twist_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_SubmitJobReply__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _twist_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_SubmitJobReply__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _twist_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_SubmitJobReply__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _twist_v1_SubmitJobRequest, callback: grpc.requestCallback<_twist_v1_SubmitJobReply__Output>): grpc.ClientUnaryCall;
  
}

export interface JobsHandlers extends grpc.UntypedServiceImplementation {
  GetJob: grpc.handleUnaryCall<_twist_v1_GetJobRequest__Output, _twist_v1_GetJobReply>;
  
  GetJobLogs: grpc.handleUnaryCall<_twist_v1_GetJobLogsRequest__Output, _twist_v1_GetJobLogsReply>;
  
  StopJob: grpc.handleUnaryCall<_twist_v1_StopJobRequest__Output, _twist_v1_StopJobReply>;
  
  SubmitJob: grpc.handleUnaryCall<_twist_v1_SubmitJobRequest__Output, _twist_v1_SubmitJobReply>;
  
}

export interface JobsDefinition extends grpc.ServiceDefinition {
  GetJob: MethodDefinition<_twist_v1_GetJobRequest, _twist_v1_GetJobReply, _twist_v1_GetJobRequest__Output, _twist_v1_GetJobReply__Output>
  GetJobLogs: MethodDefinition<_twist_v1_GetJobLogsRequest, _twist_v1_GetJobLogsReply, _twist_v1_GetJobLogsRequest__Output, _twist_v1_GetJobLogsReply__Output>
  StopJob: MethodDefinition<_twist_v1_StopJobRequest, _twist_v1_StopJobReply, _twist_v1_StopJobRequest__Output, _twist_v1_StopJobReply__Output>
  SubmitJob: MethodDefinition<_twist_v1_SubmitJobRequest, _twist_v1_SubmitJobReply, _twist_v1_SubmitJobRequest__Output, _twist_v1_SubmitJobReply__Output>
}
