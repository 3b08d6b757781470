import { Module } from '@nestjs/common';
import { AuditHandler } from './audit.handler';
import { AuditRecorder } from './audit.recorder';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** The audit trail: every service's events recorded in a per-tenant hash chain, listed and verified. */
@Module({
  controllers: [AuditHandler],
  providers: [AuditRepository, AuditRecorder, AuditService],
})
export class AuditModule {}
