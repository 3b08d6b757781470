import { applyDecorators, Controller, UseFilters, UsePipes } from '@nestjs/common';
import { PassThroughRpcFilter } from './rpc-exception.filter';
import { createValidationPipe } from './rpc-validation.pipe';

/**
 * Marks a class of NATS `@MessagePattern` handlers: payloads are validated against their DTO
 * classes (unknown fields refused) and domain errors reach the caller with their code intact.
 * (Set per class because a hybrid app's microservice cannot take global filters or pipes.)
 */
export const RpcController = () => applyDecorators(Controller(), UseFilters(PassThroughRpcFilter), UsePipes(createValidationPipe()));
