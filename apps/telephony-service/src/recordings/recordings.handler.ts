import { Payload } from '@nestjs/microservices';
import { CallIdCommand, RecordingChunkCommand, Subjects, TwilioWebhookCommand } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { RecordingsService } from './recordings.service';

@RpcController()
export class RecordingsHandler {
  constructor(private readonly recordings: RecordingsService) {}

  @Handles(Subjects.telephony.calls.recording)
  info(@Payload() input: CallIdCommand, @Caller() ctx: RequestContext) {
    return this.recordings.info(ctx, input.id);
  }

  @Handles(Subjects.telephony.calls.recordingChunk)
  chunk(@Payload() input: RecordingChunkCommand, @Caller() ctx: RequestContext) {
    return this.recordings.chunk(ctx, input);
  }

  /** Public provider callback: no caller context; the signature is the authentication. */
  @Handles(Subjects.telephony.webhooks.recording)
  recordingStatus(@Payload() input: TwilioWebhookCommand) {
    return this.recordings.applyCallback(input);
  }
}
