import { Payload } from '@nestjs/microservices';
import { SendLinkEmailRequest, Subjects } from '@engage/contracts';
import type { RequestContext } from '@engage/context';
import { Caller, Handles, RpcController } from '@engage/messaging';
import { EmailService } from './email.service';

/** `notification.email.send_link`: user-service hands over a reset or invitation link to mail. */
@RpcController()
export class EmailHandler {
  constructor(private readonly email: EmailService) {}

  @Handles(Subjects.notification.email.sendLink)
  sendLink(@Payload() input: SendLinkEmailRequest, @Caller() ctx: RequestContext) {
    return this.email.sendLink(ctx, input);
  }
}
