using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Hybrid.Identity.Sealing;

/// <summary>
/// Keeps the Data Protection key ring in a blob container, one blob per key, so every instance of the app (and every
/// restart) shares it and it never enters durable history. Keys are only added, never overwritten. On Azure, wrap the
/// keys with Key Vault as well (<c>ProtectKeysWith...</c>); this repository only stores what it is given.
/// </summary>
public sealed class BlobXmlRepository : IXmlRepository
{
    private readonly BlobContainerClient _container;
    private readonly string _prefix;
    private volatile bool _created;

    public BlobXmlRepository(BlobContainerClient container, string prefix = "dataprotection/")
    {
        _container = Check.NotNull(container);
        _prefix = prefix ?? string.Empty;
    }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        EnsureContainer();
        var elements = new List<XElement>();
        foreach (var item in _container.GetBlobs(BlobTraits.None, BlobStates.None, _prefix, CancellationToken.None))
        {
            var content = _container.GetBlobClient(item.Name).DownloadContent().Value.Content;
            using var stream = content.ToStream();
            elements.Add(XElement.Load(stream));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        Check.NotNull(element);
        EnsureContainer();
        var name = _prefix + SafeName(friendlyName) + ".xml";
        using var stream = new MemoryStream();
        element.Save(stream, SaveOptions.DisableFormatting);
        stream.Position = 0;
        _container.GetBlobClient(name).Upload(stream, new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        });
    }

    private static string SafeName(string? friendlyName)
    {
        var builder = new StringBuilder();
        foreach (var c in friendlyName ?? string.Empty)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        }

        return builder.Length == 0 ? Guid.NewGuid().ToString("N") : builder.ToString();
    }

    private void EnsureContainer()
    {
        if (!_created)
        {
            _container.CreateIfNotExists();
            _created = true;
        }
    }
}
