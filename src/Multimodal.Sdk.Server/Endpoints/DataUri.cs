using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Multimodal.Sdk;

/// <summary>Images named in JSON requests: <c>data:</c> URIs, and <c>http(s)</c> URLs when configuration allows fetching them.</summary>
internal static class DataUri
{
    public static bool IsImageDataUri(string s) => s.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase);

    /// <summary>Decodes <c>data:[media type][;base64],payload</c>; only base64 payloads carry binary images.</summary>
    public static DataContent Parse(string uri, string param)
    {
        int comma = uri.IndexOf(',', StringComparison.Ordinal);
        if (!uri.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || comma < 0)
        {
            throw ApiError.BadRequest("Expected a data: URI such as 'data:image/png;base64,...'.", param, "invalid_image_url");
        }

        string header = uri[5..comma];
        if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiError.BadRequest("Image data URIs must be base64-encoded (';base64,').", param, "invalid_image_url");
        }

        string mediaType = header[..^";base64".Length];
        if (!mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiError.BadRequest($"Expected an image media type, got '{mediaType}'.", param, "invalid_image_url");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(uri[(comma + 1)..]);
        }
        catch (FormatException)
        {
            throw ApiError.BadRequest("The image data URI is not valid base64.", param, "invalid_image_url");
        }

        if (bytes.Length == 0)
        {
            throw ApiError.BadRequest("The image data URI is empty.", param, "invalid_image_url");
        }

        return new DataContent(bytes, mediaType);
    }

    /// <summary>Turns an <c>image_url</c> into bytes: a data URI directly, an http(s) URL by download when allowed.</summary>
    public static async Task<DataContent> ResolveImageAsync(string url, string param, MultimodalServerOptions options, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return Parse(url, param);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw ApiError.BadRequest("An image_url must be a data: URI or an http(s) URL.", param, "invalid_image_url");
        }

        if (!options.AllowRemoteImageUrls)
        {
            throw ApiError.BadRequest("This server does not fetch remote images (Server:AllowRemoteImageUrls is off); send the image as a data: URI.", param, "remote_images_disabled");
        }

        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(DataUri));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RemoteImageTimeout);
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw ApiError.BadRequest($"Fetching the image answered {(int)response.StatusCode}.", param, "invalid_image_url");
            }

            if (response.Content.Headers.ContentLength > options.MaxRemoteImageBytes)
            {
                throw new ApiError(413, $"The remote image exceeds {options.MaxRemoteImageBytes} bytes.", ApiError.InvalidRequest, "input_too_large", param);
            }

            using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using var copy = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
            {
                if (copy.Length + read > options.MaxRemoteImageBytes)
                {
                    throw new ApiError(413, $"The remote image exceeds {options.MaxRemoteImageBytes} bytes.", ApiError.InvalidRequest, "input_too_large", param);
                }

                copy.Write(buffer, 0, read);
            }

            string mediaType = response.Content.Headers.ContentType?.MediaType is { } m && m.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? m : "image/png";
            return new DataContent(copy.ToArray(), mediaType);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw ApiError.BadRequest($"The image at {uri.Host} could not be fetched: {e.Message}", param, "invalid_image_url");
        }
    }
}
