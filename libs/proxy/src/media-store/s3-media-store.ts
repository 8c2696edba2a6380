import { createReadStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { S3Settings } from '../config/proxy.config';
import { type ByteRange, checkKey, MediaStore } from './media-store';

/** An S3-compatible bucket (AWS, MinIO, R2…). Downloads still land in a local temp file first. */
export class S3MediaStore extends MediaStore {
  readonly name = 's3';
  readonly tempDir: string;
  private readonly client: S3Client;

  constructor(
    private readonly settings: S3Settings,
    localDir: string,
  ) {
    super();
    this.tempDir = join(localDir, '.tmp');
    mkdirSync(this.tempDir, { recursive: true });
    const credentials =
      settings.accessKeyId && settings.secretAccessKey
        ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
        : undefined;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials,
      // Checksums only where S3 requires them: many S3-compatible stores reject the aws-chunked uploads otherwise.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async putFile(key: string, file: string, contentType: string, size: number): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.settings.bucket,
          Key: checkKey(key),
          Body: createReadStream(file),
          ContentLength: size,
          ContentType: contentType,
        }),
      );
    } finally {
      await rm(file, { force: true });
    }
  }

  async putBuffer(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.settings.bucket, Key: checkKey(key), Body: body, ContentType: contentType }),
    );
  }

  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.settings.bucket,
          Key: checkKey(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return (answer.Body as Readable | undefined) ?? null;
    } catch (error) {
      if (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: checkKey(key) }));
  }

  close(): void {
    this.client.destroy();
  }
}
