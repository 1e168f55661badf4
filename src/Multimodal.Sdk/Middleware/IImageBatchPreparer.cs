namespace Multimodal.Sdk;

/// <summary>
/// Implemented by image pipelines whose per-image work (decoding, resizing, cropping) can be done before the image joins
/// a batch: <c>UseBatching()</c> finds it through <c>GetService</c> and prepares each request's images on that request's
/// thread, so a batch holds only the model run and the next batch is prepared while one runs.
/// </summary>
/// <remarks>Safe for concurrent use.</remarks>
internal interface IImageBatchPreparer
{
    /// <summary>Returns an image whose embedding equals the original's and that costs the pipeline only normalization and the model run.</summary>
    /// <exception cref="InputDecodeException">The image cannot be read or decoded.</exception>
    /// <exception cref="InputTooLargeException">The image exceeds a limit.</exception>
    ImageData Prepare(ImageData image, CancellationToken cancellationToken);
}
