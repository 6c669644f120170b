from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.subject_access_export_format import SubjectAccessExportFormat
from ...models.subject_access_export_response_200 import SubjectAccessExportResponse200
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    member_id: UUID,
    *,
    format_: SubjectAccessExportFormat | Unset = SubjectAccessExportFormat.JSON,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/members/{member_id}/subject-access".format(member_id=quote(str(member_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SubjectAccessExportResponse200 | None:
    if response.status_code == 200:
        response_200 = SubjectAccessExportResponse200.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | SubjectAccessExportResponse200]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    format_: SubjectAccessExportFormat | Unset = SubjectAccessExportFormat.JSON,

) -> Response[Problem | SubjectAccessExportResponse200]:
    """ Subject Access Export

     Export everything held about a member (profile, consent, events in plain language, messages).

    Args:
        member_id (UUID):
        format_ (SubjectAccessExportFormat | Unset):  Default: SubjectAccessExportFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SubjectAccessExportResponse200]
     """


    kwargs = _get_kwargs(
        member_id=member_id,
format_=format_,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    format_: SubjectAccessExportFormat | Unset = SubjectAccessExportFormat.JSON,

) -> Problem | SubjectAccessExportResponse200 | None:
    """ Subject Access Export

     Export everything held about a member (profile, consent, events in plain language, messages).

    Args:
        member_id (UUID):
        format_ (SubjectAccessExportFormat | Unset):  Default: SubjectAccessExportFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SubjectAccessExportResponse200
     """


    return sync_detailed(
        member_id=member_id,
client=client,
format_=format_,

    ).parsed

async def asyncio_detailed(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    format_: SubjectAccessExportFormat | Unset = SubjectAccessExportFormat.JSON,

) -> Response[Problem | SubjectAccessExportResponse200]:
    """ Subject Access Export

     Export everything held about a member (profile, consent, events in plain language, messages).

    Args:
        member_id (UUID):
        format_ (SubjectAccessExportFormat | Unset):  Default: SubjectAccessExportFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SubjectAccessExportResponse200]
     """


    kwargs = _get_kwargs(
        member_id=member_id,
format_=format_,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    format_: SubjectAccessExportFormat | Unset = SubjectAccessExportFormat.JSON,

) -> Problem | SubjectAccessExportResponse200 | None:
    """ Subject Access Export

     Export everything held about a member (profile, consent, events in plain language, messages).

    Args:
        member_id (UUID):
        format_ (SubjectAccessExportFormat | Unset):  Default: SubjectAccessExportFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SubjectAccessExportResponse200
     """


    return (await asyncio_detailed(
        member_id=member_id,
client=client,
format_=format_,

    )).parsed
