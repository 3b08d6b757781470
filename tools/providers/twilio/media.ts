/**
 * Recording audio the stand-in serves: a real, playable file of the recording's length, so a service
 * streaming it (with Range) and a browser playing it see what they would see from Twilio.
 */

/** Recordings longer than this are served at this length to keep responses small in long test runs. */
const MAX_SECONDS = 60;
const WAV_SAMPLE_RATE = 8000;

/** A 16-bit PCM WAV at 8 kHz (Twilio's recording format): a quiet 440 Hz tone, one track per channel. */
export function generateWav(durationSeconds: number, channels: number): Buffer {
  const seconds = Math.min(Math.max(durationSeconds, 1), MAX_SECONDS);
  const frames = seconds * WAV_SAMPLE_RATE;
  const blockAlign = channels * 2;
  const dataBytes = frames * blockAlign;
  const buffer = Buffer.alloc(44 + dataBytes);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + dataBytes, 4);
  buffer.write('WAVE', 8, 'ascii');
  buffer.write('fmt ', 12, 'ascii');
  buffer.writeUInt32LE(16, 16); // fmt chunk size
  buffer.writeUInt16LE(1, 20); // PCM
  buffer.writeUInt16LE(channels, 22);
  buffer.writeUInt32LE(WAV_SAMPLE_RATE, 24);
  buffer.writeUInt32LE(WAV_SAMPLE_RATE * blockAlign, 28);
  buffer.writeUInt16LE(blockAlign, 32);
  buffer.writeUInt16LE(16, 34); // bits per sample
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < frames; i++) {
    const sample = Math.round(Math.sin((2 * Math.PI * 440 * i) / WAV_SAMPLE_RATE) * 3000);
    for (let c = 0; c < channels; c++) buffer.writeInt16LE(sample, 44 + i * blockAlign + c * 2);
  }
  return buffer;
}

/**
 * An MP3 of silence: MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono), each a valid header with
 * zeroed side information, which decoders play as silence.
 */
export function generateMp3(durationSeconds: number): Buffer {
  const seconds = Math.min(Math.max(durationSeconds, 1), MAX_SECONDS);
  const frameBytes = Math.floor((144 * 128_000) / 44_100); // 417, no padding bit
  const frameCount = Math.ceil((seconds * 44_100) / 1152);
  const buffer = Buffer.alloc(frameBytes * frameCount);
  for (let f = 0; f < frameCount; f++) {
    // sync + MPEG-1 + Layer III + no CRC | 128 kbit/s, 44.1 kHz, no padding | mono
    buffer.writeUInt32BE(0xfffb90c4, f * frameBytes);
  }
  return buffer;
}
